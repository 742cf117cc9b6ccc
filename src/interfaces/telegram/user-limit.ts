/**
 * Questions per user per minute (a sliding window). Users who have not asked within the window
 * are forgotten, so memory follows the users active in the last minute.
 */
export type Admission = { ok: true } | { ok: false; waitMs: number; firstRefusal: boolean }

export class UserLimit {
  private readonly users = new Map<number, { asked: number[]; refused: boolean }>()
  private sweptAt = 0

  constructor(
    private readonly perWindow: number,
    private readonly windowMs = 60_000,
  ) {}

  /**
   * Counts one question for `userId`. A refusal says how long until the next question may be
   * asked, and whether it is the first since the user's last accepted question (so that the user
   * is told once, not once per message).
   */
  take(userId: number, now = Date.now()): Admission {
    if (this.perWindow <= 0) return { ok: true }
    this.sweep(now)
    const user = this.users.get(userId) ?? { asked: [], refused: false }
    user.asked = user.asked.filter((at) => now - at < this.windowMs)
    this.users.set(userId, user)
    if (user.asked.length >= this.perWindow) {
      const firstRefusal = !user.refused
      user.refused = true
      return { ok: false, waitMs: user.asked[0]! + this.windowMs - now, firstRefusal }
    }
    user.asked.push(now)
    user.refused = false
    return { ok: true }
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < this.windowMs) return
    this.sweptAt = now
    for (const [userId, user] of this.users) if (user.asked.every((at) => now - at >= this.windowMs)) this.users.delete(userId)
  }
}
