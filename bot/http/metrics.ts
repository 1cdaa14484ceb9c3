/** A few Prometheus counters, rendered in the text exposition format. */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  increment(name: string, help: string, labels: Record<string, string> = {}): void {
    const counter = this.counters.get(name) ?? { help, values: new Map<string, number>() };
    this.counters.set(name, counter);
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
      .join(',');
    counter.values.set(key, (counter.values.get(key) ?? 0) + 1);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of values)
        lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
