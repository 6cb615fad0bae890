/** The narrowest Google scopes each kind of calendar call needs. */
export const SCOPES = {
  readEvents: 'https://www.googleapis.com/auth/calendar.events.readonly',
  freeBusy: 'https://www.googleapis.com/auth/calendar.freebusy',
  writeEvents: 'https://www.googleapis.com/auth/calendar.events',
} as const;
