# bash-completion loads this the first time `kubectl` is completed, so a new shell does not run
# `kubectl completion bash` (a tenth of a second) before its first prompt. kubectl is mounted into the
# sandbox at run time, so the script cannot be generated when the image is built.
source <(kubectl completion bash 2>/dev/null)
