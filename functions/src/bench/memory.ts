/** Samples RSS every few milliseconds: peak memory of a benchmark phase. */
export class PeakMemory {
  private peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs = 5) {
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage().rss);
    }, intervalMs);
  }
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak;
  }
}

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
