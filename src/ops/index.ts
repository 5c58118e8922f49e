/** Importing this registers every operation (the CLI and RPC faces look them up by name). */
import './version';
import './selftest';
import './config-ops';
import './expression';
import './engine-ops';
