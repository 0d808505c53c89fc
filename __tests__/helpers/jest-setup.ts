import { Testing } from "cdktf";
import "cdktf/lib/testing/adapters/jest";

// cdktf's matchers: expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {...}).
Testing.setupJest();
