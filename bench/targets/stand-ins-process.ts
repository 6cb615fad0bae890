/** The stand-ins (Slack, Auth0, GitHub, Google Calendar) in a process of their own, for the load benchmarks. */
import { failChild, serveParent } from '../support/child.js';
import { startStandIns } from '../support/world.js';

export interface StandInsReady {
  info: Awaited<ReturnType<typeof startStandIns>>['info'];
  responseUrl: string;
}

const standIns = await startStandIns().catch(failChild('the stand-ins process'));
if (standIns) {
  const ready: StandInsReady = { info: standIns.info, responseUrl: standIns.slack.responseUrl('bench') };
  serveParent(
    ready,
    {
      addUser: () => standIns.addUser(),
      activity: () => standIns.activity(),
      forget: () => standIns.forgetRecordings(),
    },
    () => standIns.close(),
  );
}
