// Window events between the terminal and the rest of the lesson page.

/** The terminal's sandbox became ready or reported an error (e.g. it stopped): status displays refresh. */
export const SANDBOX_CHANGED_EVENT = 'kubelab:sandbox-changed';
/** Reconnect the terminal, which starts (resumes) the sandbox when it is stopped or was reset. */
export const SANDBOX_RESTART_EVENT = 'kubelab:sandbox-restart';
