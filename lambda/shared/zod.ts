// Handlers validate with zod's tree-shakable build (the full one is ~440 KB in
// every bundle). It has no messages of its own, so give it zod's English ones:
// operators read them in InvalidInput and MisconfiguredFunction.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export * from 'zod/mini';
