import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { addMasker, type LogMasker, maskersOf, maskLogValue } from './log-masking.js';

export interface LoggerOptions {
  /** Default `info`. */
  level?: Level;
  /**
   * Human-readable lines (pino-pretty) instead of JSON lines; the app sets it when stdout is a TTY.
   */
  pretty?: boolean;
  /** Where lines go; default stdout. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Masks the server's own secrets (webhook secret, API token) in every line of this logger and its children. */
  masker?: LogMasker;
}

/**
 * Request headers that carry credentials: never logged, whoever logs a request (Fastify's logger is this
 * one).
 */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
];

/**
 * The server's logger: JSON lines (pino) with an ISO time, or pino-pretty's readable lines when `pretty`.
 * Every argument of every call is masked by the maskers of the logger called (see `bindRun`).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.pretty
    ? pinoPretty({
        destination: options.destination ?? 1,
        sync: true,
        translateTime: 'SYS:standard',
        // Colours only on the terminal; a given destination (a file, a test) gets plain text.
        ...(options.destination !== undefined && { colorize: false }),
      })
    : options.destination;
  const logger = pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const maskers = maskersOf(this);
          if (maskers.length === 0) return method.apply(this, args);
          const masked = args.map((arg) => maskLogValue(arg, maskers));
          // pino logs an Error first argument as `err` with its message as the line's message.
          const [first, ...rest] = masked;
          const errorFirst = args[0] instanceof Error;
          const callArgs = errorFirst
            ? [{ err: first }, ...(rest.length > 0 ? rest : [(first as { message: string }).message])]
            : masked;
          return method.apply(this, callArgs as Parameters<typeof method>);
        },
      },
    },
    destination as DestinationStream | undefined,
  );
  if (options.masker) addMasker(logger, options.masker);
  return logger;
}
