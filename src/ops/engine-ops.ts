/** Registers the provisioning engine's operations. */
import './scope';
import './plan';
import './run';
import './on-demand';
import './verify';
import './status';
import './log';
import './approve';
import './reset';
import './migrate';
import './watch';
import './access';
