/** Keeps the most recent output of a terminal (by characters) so a reconnecting client can repaint. */
export class ReplayBuffer {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly capacity = 256 * 1024) {}

  append(data: string): void {
    this.chunks.push(data);
    this.size += data.length;
    while (this.size > this.capacity) {
      const excess = this.size - this.capacity;
      const first = this.chunks[0];
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.size -= excess;
      }
    }
  }

  contents(): string {
    return this.chunks.join('');
  }
}
