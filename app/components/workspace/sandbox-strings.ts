// UI text of the sandbox status bar (time left, extend, reset), per language.
const en = {
  timeLeft: (t: string) => `Time left ${t}`,
  idleLeft: (t: string) => `Stops if idle in ${t}`,
  warning: (t: string) => `Your sandbox stops in ${t}. Extend it to keep working; your work is kept either way.`,
  idleWarning: (t: string) => `Your sandbox stops in ${t} because it has been idle. Extend it or type in the terminal to keep it running.`,
  stopping: 'Your sandbox is stopping. Your work is kept: press Start to resume.',
  stopped: 'Your sandbox is stopped. Your work is kept.',
  start: 'Start',
  extend: 'Extend',
  extending: 'Extending…',
  extended: (t: string) => `Extended: ${t} left`,
  reset: 'Reset sandbox',
  resetting: 'Resetting…',
  confirmReset: 'Reset your sandbox? Everything you did in it (images, containers, Kubernetes objects, files in your home directory) is deleted and it starts fresh. This cannot be undone.',
  confirmResetYes: 'Yes, delete my work and reset',
  confirmResetNo: 'Cancel',
  resetDone: 'Your sandbox was reset; a fresh one is starting.',
  disk: (used: string, limit: string) => `Disk ${used} of ${limit}`,
  failed: 'Could not update the sandbox:',
};

export type SandboxStrings = typeof en;

const ko: SandboxStrings = {
  timeLeft: (t: string) => `남은 시간 ${t}`,
  idleLeft: (t: string) => `사용하지 않으면 ${t} 후 중지`,
  warning: (t: string) => `샌드박스가 ${t} 후에 중지됩니다. 계속하려면 연장하세요. 어느 경우든 작업 내용은 보존됩니다.`,
  idleWarning: (t: string) => `사용하지 않아 샌드박스가 ${t} 후에 중지됩니다. 계속하려면 연장하거나 터미널에 입력하세요.`,
  stopping: '샌드박스를 중지하는 중입니다. 작업 내용은 보존됩니다. 다시 시작하려면 시작을 누르세요.',
  stopped: '샌드박스가 중지되었습니다. 작업 내용은 보존되어 있습니다.',
  start: '시작',
  extend: '연장',
  extending: '연장하는 중…',
  extended: (t: string) => `연장됨: ${t} 남음`,
  reset: '샌드박스 초기화',
  resetting: '초기화하는 중…',
  confirmReset: '샌드박스를 초기화할까요? 샌드박스에서 한 모든 작업(이미지, 컨테이너, 쿠버네티스 오브젝트, 홈 디렉터리의 파일)이 삭제되고 새로 시작합니다. 되돌릴 수 없습니다.',
  confirmResetYes: '작업을 삭제하고 초기화',
  confirmResetNo: '취소',
  resetDone: '샌드박스를 초기화했습니다. 새 샌드박스를 시작합니다.',
  disk: (used: string, limit: string) => `디스크 ${used} / ${limit}`,
  failed: '샌드박스를 변경하지 못했습니다:',
};

export const sandboxStrings = { en, ko };

export function sandboxStringsFor(lang: string): SandboxStrings {
  return lang === 'ko' ? sandboxStrings.ko : sandboxStrings.en;
}
