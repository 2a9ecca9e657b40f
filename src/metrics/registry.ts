/**
 * A small Prometheus metrics registry (text exposition format 0.0.4): counters and histograms
 * with labels, and gauges read at scrape time. The composition root owns one registry and
 * hands it to the services; /metrics renders it.
 */

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${(labels[k] ?? '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',');
}

function line(name: string, key: string, value: number): string {
  return `${name}${key ? `{${key}}` : ''} ${Number.isFinite(value) ? value : 0}`;
}

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) out.push(line(this.name, key, value));
    return out;
  }
}

export class Gauge implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly read: () => { labels?: Labels; value: number }[],
  ) {}

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const { labels, value } of this.read()) out.push(line(this.name, labelKey(labels ?? {}), value));
    return out;
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ) {}

  observe(labels: Labels, seconds: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (seconds <= this.buckets[i]!) s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const sep = key ? `${key},` : '';
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket{${sep}le="${b}"} ${s.counts[i]}`));
      out.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      out.push(line(`${this.name}_sum`, key, s.sum), line(`${this.name}_count`, key, s.count));
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    const c = new Counter(name, help);
    this.metrics.push(c);
    return c;
  }

  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    const h = new Histogram(name, help, buckets);
    this.metrics.push(h);
    return h;
  }

  gauge(name: string, help: string, read: () => { labels?: Labels; value: number }[]): Gauge {
    const g = new Gauge(name, help, read);
    this.metrics.push(g);
    return g;
  }

  render(): string {
    return this.metrics.flatMap((m) => m.render()).join('\n') + '\n';
  }
}

/** The metrics msgstore exports; services record into these. */
export function createServerMetrics(registry = new MetricsRegistry()) {
  return {
    registry,
    logins: registry.counter('msgstore_logins_total', 'Login attempts by protocol and outcome'),
    deliveries: registry.counter('msgstore_deliveries_total', 'Recipient deliveries by outcome'),
    commands: registry.histogram('msgstore_command_seconds', 'Command latency by protocol and command'),
    outboundSent: registry.counter('msgstore_outbound_sent_total', 'Outbound messages by outcome'),
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
