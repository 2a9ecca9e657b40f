/**
 * A progress bar for long CLI jobs (import, export, backup, check). Drawn on standard error
 * only when it is a terminal, at most ten times a second; silent otherwise.
 */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private readonly enabled: boolean;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(stream.isTTY);
  }

  setTotal(total: number): void {
    this.total = total;
  }

  tick(count = 1): void {
    this.done += count;
    const now = Date.now();
    if (this.enabled && (now - this.lastDraw >= 100 || this.done >= this.total)) {
      this.lastDraw = now;
      this.draw();
    }
  }

  finish(): void {
    if (this.enabled) {
      this.draw();
      this.stream.write('\n');
    }
  }

  /** The bar's text, e.g. "import [#######.............]  35%  3500/10000  1200/s". */
  render(width = 30): string {
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(fraction * width);
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    const rate = Math.round(this.done / seconds);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${this.done}/${this.total}  ${rate}/s`;
  }

  private draw(): void {
    this.stream.write(`\r${this.render()}`);
  }
}
