// The `local` driver: a bash shell on this machine in a per-learner directory with its own HOME,
// PATH and environment, plus (for the kubernetes/full profiles) the learner's own mini-cluster.
// It is a shell on the host: meant for one person on their own machine (the server then listens
// on loopback only unless the operator overrides it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as pty from 'node-pty';
import { sandboxSpecSchema, SandboxError, type ExecResult, type PtyStream, type SandboxDriver, type SandboxInfo, type SandboxSpec } from '../../driver';
import { bashrc } from './bashrc';
import { startSandboxCluster, type SandboxCluster } from './cluster';

interface LocalSandbox {
  info: SandboxInfo;
  root: string;
  home: string;
  env: Record<string, string>;
  cluster?: SandboxCluster;
  ptys: Set<pty.IPty>;
}

const repoRoot = path.join(__dirname, '..', '..', '..');
/** Variables a learner's shell may inherit; everything else (secrets, DATABASE_URL, …) stays out. */
const INHERITED = ['LANG', 'LC_ALL', 'TZ'];

export interface LocalDriverOptions {
  stateDir: string;
  /** Multiplier for the simulated cluster's delays (0 in tests). */
  clusterTimeScale?: number;
}

export class LocalDriver implements SandboxDriver {
  readonly name = 'local';
  private readonly sandboxes = new Map<string, LocalSandbox>();

  constructor(private readonly opts: LocalDriverOptions) {}

  async create(input: SandboxSpec): Promise<SandboxInfo> {
    const spec = sandboxSpecSchema.parse(input);
    const existing = this.sandboxes.get(spec.id);
    if (existing && existing.info.state === 'running') return existing.info;

    const root = path.join(this.opts.stateDir, 'sandboxes', spec.id);
    const home = path.join(root, 'home');
    const bin = path.join(root, 'bin');
    mkdirSync(home, { recursive: true });
    mkdirSync(bin, { recursive: true });
    for (const tool of ['kubectl', 'helm']) {
      const source = path.join(repoRoot, '.kubelab', 'bin', tool);
      const link = path.join(bin, tool);
      if (existsSync(source) && !existsSync(link)) symlinkSync(source, link);
    }
    const env: Record<string, string> = {
      HOME: home,
      USER: 'learner',
      LOGNAME: 'learner',
      SHELL: '/bin/bash',
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      LANG: 'C.UTF-8',
      PATH: `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      KUBELAB_SANDBOX: spec.id,
    };
    for (const k of INHERITED) if (process.env[k]) env[k] = process.env[k]!;

    const info: SandboxInfo = { id: spec.id, userId: spec.userId, profile: spec.profile, state: 'starting', createdAt: new Date() };
    const sandbox: LocalSandbox = { info, root, home, env, ptys: new Set() };
    this.sandboxes.set(spec.id, sandbox);

    const notes: string[] = [];
    if (spec.profile === 'kubernetes' || spec.profile === 'full') {
      try {
        sandbox.cluster = await startSandboxCluster({ dataDir: path.join(root, 'cluster'), kubeconfigPath: path.join(home, '.kube', 'config'), timeScale: this.opts.clusterTimeScale });
        env.KUBECONFIG = sandbox.cluster.kubeconfigPath;
        info.kubeconfigPath = sandbox.cluster.kubeconfigPath;
        notes.push(`cluster at ${sandbox.cluster.url}`);
      } catch (err) {
        info.state = 'failed';
        info.message = `the Kubernetes mini-cluster could not start: ${err instanceof Error ? err.message : String(err)}`;
        return info;
      }
    }
    if (spec.profile === 'docker' || spec.profile === 'full') {
      if (existsSync('/var/run/docker.sock')) {
        info.dockerHost = 'unix:///var/run/docker.sock';
        notes.push("uses this machine's Docker engine");
      } else notes.push('no Docker engine on this machine: install docker.io and start dockerd for the Docker lessons');
    }
    writeFileSync(path.join(home, '.bashrc'), bashrc({ sandboxId: spec.id, hasKubectl: existsSync(path.join(bin, 'kubectl')) }));
    info.state = 'running';
    info.message = notes.join('; ') || undefined;

    for (const command of spec.setup) {
      const r = await this.exec(spec.id, command, { timeoutMs: 60_000 });
      if (r.exitCode !== 0) {
        info.message = `setup command failed (${r.exitCode}): ${command}\n${r.stderr.trim()}`;
        break;
      }
    }
    return info;
  }

  private get(id: string): LocalSandbox {
    const s = this.sandboxes.get(id);
    if (!s || s.info.state !== 'running') throw new SandboxError('not_found', `sandbox ${id} is not running`);
    return s;
  }

  async attach(id: string, size: { cols: number; rows: number }): Promise<PtyStream> {
    const s = this.get(id);
    const shell = pty.spawn('/bin/bash', ['-i'], { name: 'xterm-256color', cols: size.cols, rows: size.rows, cwd: s.home, env: s.env });
    s.ptys.add(shell);
    shell.onExit(() => s.ptys.delete(shell));
    return {
      pid: shell.pid,
      onData: (listener) => {
        const d = shell.onData(listener);
        return () => d.dispose();
      },
      onExit: (listener) => {
        const d = shell.onExit(({ exitCode }) => listener(exitCode));
        return () => d.dispose();
      },
      write: (data) => shell.write(data),
      resize: (cols, rows) => {
        try {
          shell.resize(Math.max(2, cols), Math.max(2, rows));
        } catch {
          /* the shell has exited */
        }
      },
      dispose: () => {
        try {
          shell.kill();
        } catch {
          /* already gone */
        }
      },
    };
  }

  async exec(id: string, command: string, opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    const s = this.get(id);
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return new Promise((resolve) => {
      const child = spawn('/bin/bash', ['-c', command], { cwd: s.home, env: s.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      const cap = (text: string, chunk: Buffer) => (text.length > 1_000_000 ? text : text + chunk.toString());
      child.stdout.on('data', (c: Buffer) => (stdout = cap(stdout, c)));
      child.stderr.on('data', (c: Buffer) => (stderr = cap(stderr, c)));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(timedOut ? { exitCode: 124, stdout, stderr: `${stderr}command timed out after ${timeoutMs} ms\n` } : { exitCode: code ?? 1, stdout, stderr });
      });
    });
  }

  async stop(id: string): Promise<void> {
    const s = this.sandboxes.get(id);
    if (!s) return;
    for (const p of s.ptys) {
      try {
        p.kill();
      } catch {
        /* gone */
      }
    }
    s.ptys.clear();
    await s.cluster?.stop();
    s.cluster = undefined;
    s.info.state = 'stopped';
  }

  async status(id: string): Promise<SandboxInfo | undefined> {
    return this.sandboxes.get(id)?.info;
  }

  async list(): Promise<SandboxInfo[]> {
    return [...this.sandboxes.values()].map((s) => s.info);
  }
}
