import { describeFatal } from './process-lifecycle.js';
import { serve } from './serve.js';

serve().catch((error: unknown) => {
  console.error(`Pipewright could not start: ${describeFatal(error)}`);
  process.exit(1);
});
