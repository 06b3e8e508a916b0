import { vendorKubectl } from './vendor';

export const step = {
  title: 'vendored kubectl',
  async prepare(log: (line: string) => void) {
    vendorKubectl(log);
  },
};
