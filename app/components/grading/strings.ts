// UI text of the grading controls (Check results, background checking, help), per language.
export const gradingStrings = {
  en: {
    watching: 'Checking your work as you go',
    watchOn: 'Check as I work',
    watchOff: 'Stop checking as I work',
    solvedWithHelp: 'Solved with the solution shown',
    attempts: (n: number) => `${n} ${n === 1 ? 'check' : 'checks'} so far`,
    tooMany: 'Too many checks:',
    pending: 'not checked yet',
  },
  ko: {
    watching: '작업하는 동안 자동으로 확인합니다',
    watchOn: '작업하면서 자동 확인',
    watchOff: '자동 확인 끄기',
    solvedWithHelp: '정답을 보고 해결함',
    attempts: (n: number) => `지금까지 ${n}번 확인`,
    tooMany: '확인 요청이 너무 많습니다:',
    pending: '아직 확인하지 않음',
  },
};

export function gradingStringsFor(lang: string) {
  return lang === 'ko' ? gradingStrings.ko : gradingStrings.en;
}
