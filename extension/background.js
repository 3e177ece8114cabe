// Authbar's service worker: only the auto-lock. When the idle time set at unlock runs out, the data key
// leaves memory-only storage, even if the popup is never opened again.
const api = globalThis.browser ?? globalThis.chrome;

api.alarms.onAlarm.addListener(async (alarm) => {
  if (alarm.name === 'autolock') await api.storage.session.remove(['dataKey', 'lockAt']);
});
