import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { aliasErrorsAlarmName, type EnvironmentConfig } from "../../config";

export interface AliasErrorsAlarmProps {
  readonly functionName: string;
  readonly alias: string;
  readonly settings: NonNullable<EnvironmentConfig["canary"]["alarm"]>;
}

/**
 * The Errors alarm of one release alias: the Sum of function errors of
 * invocations through the alias (Lambda's FunctionName + Resource
 * dimensions), whichever versions its routing sends them to. A canary
 * watches the live alias's alarm. Missing data is not breaching: a city
 * skill is quiet for hours, and quiet is not broken.
 */
export class AliasErrorsAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: AliasErrorsAlarmProps) {
    super(scope, id);
    const { settings } = props;
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      alarmName: aliasErrorsAlarmName(props.functionName, props.alias),
      alarmDescription: `Function errors through the ${props.alias} alias of ${props.functionName}; npm run promote -- --canary rolls back while it is in ALARM.`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: props.functionName, Resource: `${props.functionName}:${props.alias}` },
      statistic: "Sum",
      period: settings.periodSeconds,
      evaluationPeriods: settings.evaluationPeriods,
      datapointsToAlarm: settings.datapointsToAlarm,
      threshold: settings.errors,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  }
}
