import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ALL_QUEUES } from '../queue/job-queue.js';
import { LIVE_WITHIN_SECONDS } from '../worker/worker-registry.js';
import { ServingMetrics } from './serving-metrics.js';

/**
 * What `/metrics` says of the whole installation, read from the database at
 * each scrape so that every server instance answers the same: each queue's
 * depth and running jobs (pg-boss's own table), the live workers, and how
 * long nodes of each type took (succeeded runs of them; cache hits aside).
 */
@Injectable()
export class ClusterMetrics implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly serving: ServingMetrics,
  ) {}

  onModuleInit(): void {
    this.serving.addSection(() => this.text());
  }

  async text(): Promise<string> {
    const [jobs, workers, durations] = await Promise.all([
      this.db.query(
        `SELECT name, state::text AS state, count(*)::int AS count FROM pgboss.job
          WHERE name = ANY($1) AND state IN ('created', 'retry', 'active')
          GROUP BY name, state`,
        [ALL_QUEUES],
      ) as Promise<{ name: string; state: string; count: number }[]>,
      this.db.query(
        `SELECT (gpu IS NOT NULL) AS gpu, count(*)::int AS count FROM workers
          WHERE heartbeat_at > now() - make_interval(secs => $1) GROUP BY 1`,
        [LIVE_WITHIN_SECONDS],
      ) as Promise<{ gpu: boolean; count: number }[]>,
      this.db.query(
        `SELECT type, count(*)::int AS count, sum(duration_ms)::float8 / 1000 AS seconds FROM run_nodes
          WHERE status = 'succeeded' AND duration_ms IS NOT NULL GROUP BY type ORDER BY type`,
      ) as Promise<{ type: string; count: number; seconds: number }[]>,
    ]);
    const count = (queue: string, states: string[]) =>
      jobs.filter((row) => row.name === queue && states.includes(row.state)).reduce((sum, row) => sum + row.count, 0);
    const lines = [
      '# HELP pipewright_queue_depth Jobs waiting in a queue (new or to be retried).',
      '# TYPE pipewright_queue_depth gauge',
      ...ALL_QUEUES.map((queue) => `pipewright_queue_depth{queue="${queue}"} ${count(queue, ['created', 'retry'])}`),
      '# HELP pipewright_jobs_running Jobs a worker is running, per queue.',
      '# TYPE pipewright_jobs_running gauge',
      ...ALL_QUEUES.map((queue) => `pipewright_jobs_running{queue="${queue}"} ${count(queue, ['active'])}`),
      '# HELP pipewright_workers_alive Workers that heartbeat, with and without a GPU.',
      '# TYPE pipewright_workers_alive gauge',
      ...[false, true].map(
        (gpu) => `pipewright_workers_alive{gpu="${gpu}"} ${workers.find((row) => row.gpu === gpu)?.count ?? 0}`,
      ),
      '# HELP pipewright_node_duration_seconds Time nodes of each type took to run (succeeded, not cached).',
      '# TYPE pipewright_node_duration_seconds summary',
      ...durations.flatMap((row) => [
        `pipewright_node_duration_seconds_sum{type="${row.type}"} ${row.seconds}`,
        `pipewright_node_duration_seconds_count{type="${row.type}"} ${row.count}`,
      ]),
    ];
    return `${lines.join('\n')}\n`;
  }
}
