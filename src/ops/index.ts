/** Importing this registers every operation (the CLI and RPC faces look them up by name). */
import './version';
import './selftest';
