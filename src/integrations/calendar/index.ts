import type { ToolDefinition } from '../../tools/tool-definition.js';
import { createEvent } from './create-event.js';
import { deleteEvent } from './delete-event.js';
import { findFreeSlot, getFreeBusy } from './free-time-tools.js';
import { getEventTool } from './get-event.js';
import { listEvents } from './list-events.js';
import { updateEvent } from './update-event.js';

export { calendarBinding } from './binding.js';
export { type CalendarClient, createCalendarClient } from './client.js';
export { INVITE_RISK_THRESHOLD } from './invitations.js';

/** The Google Calendar agent's tools: reads first, then writes by rising risk. */
export const calendarTools: ToolDefinition[] = [listEvents, getEventTool, getFreeBusy, findFreeSlot, createEvent, updateEvent, deleteEvent];
