import { pipArguments } from "../../lib/build/pip";
import { testEnvironment } from "../../lib/emulators/example-config";

describe("pip's arguments aim at the function, not the build machine", () => {
  const install = { requirementsFile: "/r/requirements.txt", noDeps: false, findLinks: ["/r/wheels"], target: "/t" };

  it("x86_64 and the runtime's Python, binary wheels only, index settings left to pip's configuration", () => {
    const args = pipArguments(install, { runtime: "python3.12", architecture: "x86_64" });
    expect(args.join(" ")).toBe(
      "-m pip --disable-pip-version-check --no-input install --no-compile --target /t --platform manylinux2014_x86_64 --python-version 3.12 --implementation cp --only-binary=:all: --find-links /r/wheels -r /r/requirements.txt",
    );
    expect(args.some((a) => /index|no-index/.test(a))).toBe(false);
  });

  it("arm64 is manylinux2014_aarch64; noDeps adds --no-deps", () => {
    const args = pipArguments({ ...install, noDeps: true }, { runtime: "python3.13", architecture: "arm64" });
    expect(args).toEqual(expect.arrayContaining(["manylinux2014_aarch64", "3.13", "--no-deps"]));
  });
});

describe("source.build in the configuration", () => {
  it("the example declares voiceapp311's layout", () => {
    expect(testEnvironment().source.build).toEqual({
      codeDir: "mycity",
      include: ["lambda_function.py", "mycity"],
      exclude: ["mycity/deploy_tools/linux_wheels"],
      requirements: [
        { file: "mycity/deploy_tools/requirements.txt", noDeps: false },
        { file: "mycity/deploy_tools/requirements_no_deps.txt", noDeps: true },
      ],
      findLinks: ["mycity/deploy_tools/linux_wheels"],
    });
    expect(testEnvironment().function.architecture).toBe("x86_64");
  });

  it("refuses paths that leave the checkout, naming the field", () => {
    expect(() => testEnvironment((c) => void (c.source = { ...c.source, build: { codeDir: "../elsewhere" } }))).toThrow(
      /source\.build\.codeDir: "\.\.\/elsewhere": expected the code directory.*without "\.\."/,
    );
    expect(() => testEnvironment((c) => void (c.source = { ...c.source, build: { requirements: [{ file: "/etc/requirements.txt" }] } }))).toThrow(
      /source\.build\.requirements\.0\.file: "\/etc\/requirements.txt"/,
    );
  });

  it("refuses an unknown architecture", () => {
    expect(() => testEnvironment((c) => void (c.function = { ...c.function, architecture: "arm" as "arm64" }))).toThrow(
      /function\.architecture: "arm": expected a Lambda architecture: one of x86_64, arm64/,
    );
  });
});
