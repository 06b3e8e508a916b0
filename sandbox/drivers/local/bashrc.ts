/** The learner's ~/.bashrc in a local sandbox: a friendly prompt, kubectl completion and alias. */
export function bashrc(opts: { sandboxId: string; hasKubectl: boolean }): string {
  const lines = [
    '# Written by kubelab for this sandbox.',
    '[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc',
    'HISTFILE=~/.bash_history',
    'HISTSIZE=5000',
    "PS1='\\[\\e[1;32m\\]learner@kubelab\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]\\$ '",
    "alias ls='ls --color=auto'",
    "alias ll='ls -l'",
  ];
  if (opts.hasKubectl) {
    lines.push('alias k=kubectl', 'if command -v kubectl >/dev/null; then source <(kubectl completion bash 2>/dev/null); complete -o default -F __start_kubectl k; fi');
  }
  return lines.join('\n') + '\n';
}
