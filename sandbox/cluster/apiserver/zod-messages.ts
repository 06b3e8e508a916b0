// zod/mini loads no error messages by default ("Invalid input"); the cluster's 400s and snapshot
// errors say what was expected, as the classic zod API does.
import * as z from 'zod/mini';

z.config(z.locales.en());
