/** Registers the configuration operations (config-new/get/set/scope/test). */
import './config-new';
import './config-get';
import './config-set';
import './config-scope';
import './config-test';
