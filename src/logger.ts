import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type DestinationStream, type Logger, pino } from 'pino';
import { REDACTED, SECRET_FIELD_NAMES, scrubSecrets } from './security/scrub-secrets.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; stdout by default. Tests pass a stream to search the output. */
  destination?: DestinationStream;
  name?: string;
}

/**
 * One structured logger for the whole process. Secrets are removed twice: by field name
 * (`redact`) and by shape in every string argument and serialized error (`scrubSecrets`).
 */
export function createLogger({ level = 'info', destination, name = 'agenthub' }: LoggerOptions = {}): Logger {
  const paths = SECRET_FIELD_NAMES.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `headers.${f.toLowerCase()}`, `*.headers.${f.toLowerCase()}`]);
  return pino(
    {
      name,
      level,
      redact: { paths: [...new Set(paths)], censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: unknown) => {
          const e = pino.stdSerializers.err(err as Error);
          return { ...e, message: scrubSecrets(String(e.message ?? '')), stack: scrubSecrets(String(e.stack ?? '')) };
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Bolt wants its own Logger interface; this hands it a child of ours so all lines share one format. */
export function toBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const text = (msgs: unknown[]) => msgs.map((m) => (m instanceof Error ? (m.stack ?? m.message) : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m) => child.debug(text(m)),
    info: (...m) => child.info(text(m)),
    warn: (...m) => child.warn(text(m)),
    error: (...m) => child.error(text(m)),
    setLevel: (level: LogLevel) => {
      child.level = level;
    },
    getLevel: () => child.level as LogLevel,
    setName: () => {},
  };
}

export { LogLevel };
