// The sandbox bar's countdown: runs on the browser's clock, corrected for the server's, and turns
// into a warning inside the driver's warning window.
import { countdown, formatHoursMinutes, formatMinutesSeconds } from '@/app/components/workspace/sandbox-time';
import { sandboxStringsFor } from '@/app/components/workspace/sandbox-strings';
import { sandboxView, type SandboxView } from '@/lib/sandboxes/view';

const MIN = 60_000;
const HOUR = 60 * MIN;
const serverNow = '2026-01-01T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(serverNow) + ms);

function view(opts: { expiresIn?: number; idleIn?: number; state?: 'running' | 'stopped' }): SandboxView {
  return sandboxView(
    {
      id: 'u-1',
      userId: 'u1',
      profile: 'docker',
      state: opts.state ?? 'running',
      createdAt: at(-HOUR),
      expiresAt: opts.expiresIn === undefined ? undefined : at(opts.expiresIn),
      expiryWarningMs: 5 * MIN,
      idleStopsAt: opts.idleIn === undefined ? undefined : at(opts.idleIn),
    },
    { canReset: true },
  );
}

describe('countdown', () => {
  it('counts down on the browser clock even when it disagrees with the server', () => {
    // The browser clock is 3 hours off; only the elapsed time since the fetch matters.
    const fetchedAt = Date.parse(serverNow) - 3 * HOUR;
    const v = view({ expiresIn: 2 * HOUR });
    expect(countdown(v, serverNow, fetchedAt, fetchedAt)).toEqual({ kind: 'ok', leftMs: 2 * HOUR, reason: 'lifetime' });
    expect(countdown(v, serverNow, fetchedAt, fetchedAt + 30 * MIN).leftMs).toBe(90 * MIN);
  });

  it('warns inside the warning window and is due at zero', () => {
    const v = view({ expiresIn: 10 * MIN });
    expect(countdown(v, serverNow, 0, 5 * MIN - 1).kind).toBe('ok');
    expect(countdown(v, serverNow, 0, 5 * MIN)).toMatchObject({ kind: 'warning', leftMs: 5 * MIN });
    expect(countdown(v, serverNow, 0, 11 * MIN)).toEqual({ kind: 'stopping', leftMs: 0, reason: 'lifetime' });
  });

  it('shows the earlier of the idle stop and the lifetime, and says which', () => {
    expect(countdown(view({ expiresIn: 3 * HOUR, idleIn: 20 * MIN }), serverNow, 0, 0)).toMatchObject({ reason: 'idle', leftMs: 20 * MIN });
    expect(countdown(view({ expiresIn: 15 * MIN, idleIn: 50 * MIN }), serverNow, 0, 0)).toMatchObject({ reason: 'lifetime', leftMs: 15 * MIN });
  });

  it('has nothing to show for a stopped sandbox, none at all, or one without limits', () => {
    expect(countdown(view({ expiresIn: HOUR, state: 'stopped' }), serverNow, 0, 0).kind).toBe('none');
    expect(countdown(null, serverNow, 0, 0).kind).toBe('none');
    expect(countdown(view({}), serverNow, 0, 0).kind).toBe('none');
  });
});

describe('formatting', () => {
  it('hh:mm rounds minutes up so it never shows 00:00 with time left', () => {
    expect(formatHoursMinutes(4 * HOUR)).toBe('04:00');
    expect(formatHoursMinutes(3 * HOUR + 59 * MIN + 1)).toBe('04:00');
    expect(formatHoursMinutes(62 * MIN)).toBe('01:02');
    expect(formatHoursMinutes(30_000)).toBe('00:01');
    expect(formatHoursMinutes(0)).toBe('00:00');
  });

  it('m:ss for the last minutes', () => {
    expect(formatMinutesSeconds(4 * MIN + 5_000)).toBe('4:05');
    expect(formatMinutesSeconds(59_001)).toBe('1:00');
    expect(formatMinutesSeconds(-5)).toBe('0:00');
  });

  it('has every text in English and Korean', () => {
    const en = sandboxStringsFor('en');
    const ko = sandboxStringsFor('ko');
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    expect(en.timeLeft('01:30')).toBe('Time left 01:30');
    expect(ko.timeLeft('01:30')).toBe('남은 시간 01:30');
    expect(sandboxStringsFor('fr')).toBe(en);
  });
});
