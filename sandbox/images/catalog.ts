// The images learners can pull inside their sandbox. No container registry is reachable from our
// machines, so every image is built locally from Debian packages on top of a debootstrapped base
// and served to sandboxes by a local registry mirror (see registry.ts).
//
// Version tags (nginx:1.25 …) name lesson scenarios, not upstream builds: every nginx tag runs
// Debian's nginx and serves a page that names its tag, so a rolling update is visible from curl.

import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ImageRecipe {
  /** Repository as learners type it: `nginx`, `busybox`, `kubelab/echo-hostname`. */
  repository: string;
  tags: string[];
  /** Debian packages installed on top of the base image. */
  packages: string[];
  /** Dockerfile lines after FROM + package installation; `{{TAG}}` is replaced per tag. */
  steps: string[];
  description: string;
  /** Extra `repository:tag` names the mirror serves the first tag under (the notes' image names). */
  mirrorAs?: string[];
}

const nginxSteps = [
  // Log to the container's stdout/stderr like the upstream image, so `docker logs` shows requests.
  'RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log && rm -f /etc/nginx/sites-enabled/default',
  'COPY nginx-default.conf /etc/nginx/conf.d/default.conf',
  'RUN mkdir -p /usr/share/nginx/html && printf \'<!DOCTYPE html>\\n<html><head><title>Welcome to nginx!</title></head>\\n<body><h1>Welcome to nginx!</h1>\\n<p>kubelab nginx image, tag {{TAG}}.</p></body></html>\\n\' > /usr/share/nginx/html/index.html && echo {{TAG}} > /usr/share/nginx/html/version',
  'ENV NGINX_VERSION={{TAG}}',
  'EXPOSE 80',
  'STOPSIGNAL SIGQUIT',
  'CMD ["nginx", "-g", "daemon off;"]',
];

/** The mini-cluster bundle (cluster-bundle.ts): its name in the build context and its place in the image. */
export const CLUSTER_BUNDLE_NAME = 'kubelab-cluster';
export const CLUSTER_BUNDLE_IMAGE_DIR = '/usr/local/lib/kubelab-cluster';

/** The learner's sandbox itself: a Debian machine with its own Docker engine (Docker-in-Docker). */
export const SANDBOX_REPOSITORY = 'kubelab/sandbox';

export const sandboxRecipe: ImageRecipe = {
  repository: SANDBOX_REPOSITORY,
  tags: ['latest'],
  packages: [
    'bash', 'bash-completion', 'coreutils', 'curl', 'vim', 'less', 'git', 'tini', 'procps', 'iproute2', 'iputils-ping',
    'dnsutils', 'netcat-openbsd', 'docker.io', 'docker-compose', 'iptables', 'kmod', 'xz-utils', 'jq', 'tree', 'nano',
  ],
  steps: [
    'COPY sandbox-entrypoint.sh /usr/local/sbin/kubelab-sandbox-init',
    'COPY sandbox-motd /etc/motd',
    'COPY sandbox-bashrc /root/.bashrc',
    'COPY sandbox-kubectl-completion /usr/share/bash-completion/completions/kubectl',
    'COPY docker-compose-plugin /usr/libexec/docker/cli-plugins/docker-compose',
    'RUN chmod 0755 /usr/local/sbin/kubelab-sandbox-init && cp /root/.bashrc /etc/skel/.bashrc && echo "cat /etc/motd" > /etc/profile.d/kubelab-motd.sh'
      + ' && update-alternatives --set iptables /usr/sbin/iptables-legacy && update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy'
      + ' && mkdir -p /opt/kubelab /var/lib/kubelab && ln -s /opt/kubelab/bin/kubectl /usr/local/bin/kubectl && ln -s /opt/kubelab/bin/helm /usr/local/bin/helm'
      // `docker compose` (the plugin) runs docker-compose 1.29; its version is written in once, here.
      + ' && sed -i "s/@COMPOSE_VERSION@/$(docker-compose version --short)/g" /usr/libexec/docker/cli-plugins/docker-compose'
      + ' && chmod 0755 /usr/libexec/docker/cli-plugins/docker-compose && docker compose version >/dev/null',
    'ENV KUBELAB_PROFILE=full LANG=C.UTF-8 TERM=xterm-256color',
    'VOLUME ["/var/lib/docker"]',
    'WORKDIR /root',
    'ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/sbin/kubelab-sandbox-init"]',
    // The mini-cluster bundle (cluster-bundle.ts) changes most often: last, so a change rebuilds only this layer.
    `COPY ${CLUSTER_BUNDLE_NAME} ${CLUSTER_BUNDLE_IMAGE_DIR}`,
  ],
  description: "a learner's sandbox: Docker engine, compose, kubectl and the mini-cluster",
};

/** Images learners pull inside their sandbox (served by the mirror). */
export const catalog: ImageRecipe[] = [
  {
    repository: 'debian',
    tags: ['bookworm-slim', 'bookworm', 'latest'],
    packages: [],
    steps: ['CMD ["bash"]'],
    description: 'Debian 12 minimal base',
  },
  {
    repository: 'nginx',
    tags: ['latest', 'stable', '1.25', '1.26', '1.27', '1.15.12', '1.16.0', '1.17.2'],
    packages: ['nginx-light', 'curl'],
    steps: nginxSteps,
    description: 'nginx web server; tags name lesson versions (1.17.23 deliberately does not exist)',
  },
  {
    repository: 'busybox',
    tags: ['latest', '1.36'],
    packages: ['busybox-static'],
    steps: ['RUN for c in $(busybox --list); do [ -e /usr/local/bin/$c ] || ln -s /bin/busybox /usr/local/bin/$c; done', 'CMD ["sh"]'],
    description: 'busybox utilities',
  },
  {
    repository: 'hello-world',
    tags: ['latest'],
    packages: [],
    steps: ['COPY hello.sh /hello', 'RUN chmod 0755 /hello', 'CMD ["/hello"]'],
    description: 'prints a greeting and exits',
  },
  {
    repository: 'httpd',
    tags: ['latest', '2.4'],
    packages: ['apache2'],
    steps: ['RUN ln -sf /dev/stdout /var/log/apache2/access.log && ln -sf /dev/stderr /var/log/apache2/error.log', 'EXPOSE 80', 'CMD ["apachectl", "-D", "FOREGROUND"]'],
    description: 'Apache httpd',
  },
  {
    repository: 'redis',
    tags: ['latest', '7'],
    packages: ['redis-server'],
    steps: ['EXPOSE 6379', 'CMD ["redis-server", "--protected-mode", "no", "--bind", "0.0.0.0"]'],
    description: 'Redis key-value store',
  },
  {
    // CentOS and Ubuntu are not installable offline; these names give the lessons a `docker pull centos:7`
    // that works, with a Debian userland (the /etc/os-release says so honestly).
    repository: 'centos',
    tags: ['7', 'latest'],
    packages: [],
    steps: ['CMD ["bash"]'],
    description: 'stand-in for CentOS (Debian userland)',
  },
  {
    repository: 'ubuntu',
    tags: ['18.04', 'latest'],
    packages: [],
    steps: ['CMD ["bash"]'],
    description: 'stand-in for Ubuntu (Debian userland)',
  },
  {
    repository: 'kubelab/echo-hostname',
    tags: ['latest', '1.0'],
    mirrorAs: ['sysnet4admin/echo-hname:latest'],
    packages: ['nginx-light'],
    steps: [
      'RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log && rm -f /etc/nginx/sites-enabled/default',
      'COPY nginx-default.conf /etc/nginx/conf.d/default.conf',
      'COPY echo-hostname.sh /usr/local/bin/echo-hostname',
      'RUN chmod 0755 /usr/local/bin/echo-hostname',
      'EXPOSE 80',
      'CMD ["/usr/local/bin/echo-hostname"]',
    ],
    description: 'answers every request with the pod/container hostname (the notes\' echo-hname)',
  },
  {
    repository: 'python',
    tags: ['3', '3.11', 'slim'],
    packages: ['python3'],
    steps: ['RUN ln -sf /usr/bin/python3 /usr/local/bin/python', 'CMD ["python3"]'],
    description: 'Python 3 interpreter (for Dockerfile lessons)',
  },
  {
    repository: 'registry',
    tags: ['2'],
    packages: ['docker-registry'],
    steps: ['COPY registry-config.yml /etc/docker/registry/config.yml', 'EXPOSE 5000', 'CMD ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"]'],
    description: 'a private image registry (distribution 2.8)',
  },
];

/**
 * The sandbox image's own files (sandbox/image/), by build-context name. Read on demand, not at module
 * load: the mini-cluster imports this catalog, and its bundle (cluster-bundle.ts) has no sandbox/image/.
 */
export function sandboxSupportFiles(): Record<string, string> {
  const read = (name: string) => readFileSync(path.join(__dirname, '..', 'image', name), 'utf8');
  return {
    'sandbox-entrypoint.sh': read('entrypoint.sh'),
    'sandbox-motd': read('motd'),
    'sandbox-bashrc': read('bashrc'),
    'sandbox-kubectl-completion': read('kubectl-completion.bash'),
    'docker-compose-plugin': read('docker-compose-plugin.sh'),
  };
}

/** Files of the lesson images copied into build contexts, by file name. */
export const supportFiles: Record<string, string> = {
  'nginx-default.conf': [
    'server {',
    '    listen 80 default_server;',
    '    listen [::]:80 default_server;',
    '    server_name _;',
    '    root /usr/share/nginx/html;',
    '    index index.html;',
    '    location / { try_files $uri $uri/ =404; }',
    '}',
    '',
  ].join('\n'),
  'hello.sh': [
    '#!/bin/sh',
    'cat <<EOF',
    '',
    'Hello from kubelab!',
    'Your Docker engine pulled the "hello-world" image from the sandbox registry,',
    'created a container from it and ran this program, which printed this message',
    'to its standard output. The Docker client streamed it to your terminal.',
    '',
    'Try something bigger: docker run -it debian bash',
    'EOF',
    '',
  ].join('\n'),
  'echo-hostname.sh': [
    '#!/bin/sh',
    '# Serve a page naming this host, regenerated at start (the hostname is the pod or container name).',
    'set -e',
    'mkdir -p /usr/share/nginx/html',
    'printf "%s\\n" "$(hostname)" > /usr/share/nginx/html/index.html',
    'exec nginx -g "daemon off;"',
    '',
  ].join('\n'),
  'registry-config.yml': ['version: 0.1', 'storage:', '  filesystem:', '    rootdirectory: /var/lib/docker-registry', 'http:', '  addr: :5000', ''].join('\n'),
};

/** Every `repository:tag` the catalog provides. */
export function allImageRefs(): string[] {
  return catalog.flatMap((r) => r.tags.map((t) => `${r.repository}:${t}`));
}

export function hasImage(repository: string, tag: string): boolean {
  return catalog.some((r) => r.repository === repository && r.tags.includes(tag));
}
