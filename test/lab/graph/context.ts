/** What every Graph route handler can reach. */
import type { AppRegistry } from './auth/apps';
import type { DeltaEngine } from './delta/engine';
import type { FaultController } from './faults';
import type { EntitlementStore } from './governance/entitlement-store';
import type { TenantStore } from './store';

export interface EmulatorContext {
  store: TenantStore;
  delta: DeltaEngine;
  faults: FaultController;
  apps: AppRegistry;
  /** identityGovernance/entitlementManagement. */
  governance: EntitlementStore;
  tenantId: string;
}
