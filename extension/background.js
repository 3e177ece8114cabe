// Authbar's service worker: only the auto-lock. When the idle time set at unlock runs out, the data key
// leaves memory-only storage, even if the popup is never opened again.
import { forgetKeyOnAlarm } from './ext.js';

forgetKeyOnAlarm();
