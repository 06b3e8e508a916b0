// What the grader reads. Each interface has a production implementation (Kubernetes API via
// @kubernetes/client-node, Docker Engine API via dockerode, the sandbox driver's exec) and is
// small enough for fixture states in tests.

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[]; uid?: string; deletionTimestamp?: string; creationTimestamp?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface KubeReader {
  /** One object, or undefined when it does not exist. `namespace` is ignored for cluster-scoped kinds. */
  get(kind: string, name: string, namespace?: string, apiVersion?: string): Promise<KubeObject | undefined>;
  /** Objects of a kind in a namespace (all namespaces when undefined), filtered by selectors. */
  list(kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string; apiVersion?: string }): Promise<KubeObject[]>;
}

/** Subset of Docker Engine API's ContainerInspect response the checks use. */
export interface DockerContainer {
  Id: string;
  Name: string;
  Config: { Image: string; Env?: string[] | null; Labels?: Record<string, string> | null };
  Image?: string;
  State: { Status: string; Running: boolean; ExitCode?: number };
  HostConfig?: { PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null; Networks?: Record<string, unknown> | null };
  Mounts?: { Type: string; Name?: string; Source?: string; Destination: string }[];
}

/** Subset of ImageInspect plus the history lines (`CreatedBy`) used to find build args. */
export interface DockerImage {
  Id: string;
  RepoTags?: string[] | null;
  Config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; User?: string };
  history: { CreatedBy: string }[];
}

export interface DockerNetwork {
  Name: string;
  Containers?: Record<string, { Name: string }> | null;
}

export interface DockerReader {
  containers(): Promise<DockerContainer[]>;
  image(name: string): Promise<DockerImage | undefined>;
  volumeExists(name: string): Promise<boolean>;
  network(name: string): Promise<DockerNetwork | undefined>;
}

export interface SandboxRunner {
  /** Runs a shell command as the learner would, without a TTY. */
  exec(command: string, opts: { timeoutMs: number }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export interface GradingTargets {
  kube?: KubeReader;
  docker?: DockerReader;
  sandbox?: SandboxRunner;
}
