import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { AnalyticsFunction } from './analytics-function.ts';

export interface OperationsProps {
  envName: string;
  topic: ITopic;
  functions: ReadonlyMap<string, AnalyticsFunction>;
  stateMachines: ReadonlyMap<string, StateMachine>;
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  athenaWorkGroup: string;
  restApi?: RestApi;
}

/**
 * Alarms (all to the SNS topic) and one dashboard. Thresholds are "any": on a platform that runs weekly
 * batches and a low-traffic API, one failed run, throttle or dead letter is worth a look.
 */
export class Operations extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const alarm = (alarmId: string, metric: IMetric, description: string) => {
      const a = new Alarm(this, alarmId, {
        alarmName: `bacuda-${props.envName}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };
    const period = Duration.minutes(5);

    for (const [fnId, af] of props.functions) {
      alarm(`${fnId}-errors`, af.fn.metricErrors({ period }), `${fnId} Lambda returned errors`);
      alarm(`${fnId}-throttles`, af.fn.metricThrottles({ period }), `${fnId} Lambda was throttled`);
    }
    for (const [qId, queue] of props.deadLetterQueues) {
      alarm(
        `${qId}-dead-letters`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        `${qId}: events that could not be delivered or processed are waiting in the dead-letter queue`,
      );
    }
    for (const [smId, sm] of props.stateMachines) {
      alarm(`${smId}-failed`, sm.metricFailed({ period }), `${smId} pipeline execution failed`);
      alarm(`${smId}-timed-out`, sm.metricTimedOut({ period }), `${smId} pipeline execution timed out`);
    }
    const athenaFailed = new Metric({
      namespace: 'AWS/Athena',
      metricName: 'TotalExecutionTime',
      dimensionsMap: { WorkGroup: props.athenaWorkGroup, QueryState: 'FAILED', QueryType: 'DML' },
      statistic: 'SampleCount',
      period,
    });
    alarm('athena-failed-queries', athenaFailed, 'Athena queries failed in the bacuda workgroup');
    if (props.restApi) {
      alarm('api-5xx', props.restApi.metricServerError({ period }), 'The API returned 5xx responses');
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `bacuda-${props.envName}` });
    const fns = [...props.functions.values()];
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# bacuda ${props.envName}\nAlarms go to the SNS alarm topic.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda invocations',
        left: fns.map((f) => f.fn.metricInvocations({ period })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda errors / throttles',
        left: fns.map((f) => f.fn.metricErrors({ period })),
        right: fns.map((f) => f.fn.metricThrottles({ period })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda duration p95',
        left: fns.map((f) => f.fn.metricDuration({ period, statistic: 'p95' })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Pipeline executions',
        left: [...props.stateMachines.values()].flatMap((sm) => [
          sm.metricSucceeded({ period }),
          sm.metricFailed({ period }),
        ]),
        width: 12,
      }),
      new GraphWidget({
        title: 'Athena bytes scanned / failed queries',
        left: [
          new Metric({
            namespace: 'AWS/Athena',
            metricName: 'ProcessedBytes',
            dimensionsMap: { WorkGroup: props.athenaWorkGroup, QueryState: 'SUCCEEDED', QueryType: 'DML' },
            statistic: 'Sum',
            period: Duration.hours(1),
          }),
        ],
        right: [athenaFailed],
        width: 12,
      }),
      new GraphWidget({
        title: 'Dead letters',
        left: [...props.deadLetterQueues.values()].map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period }),
        ),
        width: 12,
      }),
    );
    if (props.restApi) {
      const api = props.restApi;
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'API requests / 4xx / 5xx',
          left: [
            api.metricCount({ period }),
            api.metricClientError({ period }),
            api.metricServerError({ period }),
          ],
          width: 12,
        }),
        new GraphWidget({
          title: 'API latency p50 / p99',
          left: [
            api.metricLatency({ period, statistic: 'p50' }),
            api.metricLatency({ period, statistic: 'p99' }),
          ],
          width: 12,
        }),
      );
    }
  }
}
