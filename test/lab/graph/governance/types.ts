/**
 * Entitlement management objects (Graph v1.0 `identityGovernance/entitlementManagement`), as the emulator keeps
 * them: property names and value sets from Microsoft's resource pages (accessPackageCatalog, accessPackage,
 * accessPackageResource(+Role/Scope), accessPackageResourceRoleScope, accessPackageAssignmentPolicy,
 * accessPackageAssignmentRequest, accessPackageAssignment, accessPackageSubject, entitlementManagementSchedule).
 */

export interface Catalog {
  id: string;
  displayName: string;
  description: string | null;
  catalogType: 'userManaged' | 'serviceDefault' | 'serviceManaged';
  state: 'unpublished' | 'published';
  isExternallyVisible: boolean;
  createdDateTime: string;
  modifiedDateTime: string;
}

export interface ResourceRole {
  id: string;
  displayName: string;
  description: string | null;
  originSystem: string;
  /** `Member_<groupId>` / `Owner_<groupId>` for groups. */
  originId: string;
}

export interface ResourceScope {
  id: string;
  displayName: string;
  description: string;
  originSystem: string;
  originId: string;
  isRootScope: boolean;
}

export interface CatalogResource {
  id: string;
  catalogId: string;
  displayName: string | null;
  description: string | null;
  /** The group's object id. */
  originId: string;
  originSystem: 'AadGroup';
  createdDateTime: string;
  modifiedDateTime: string;
  roles: ResourceRole[];
  scopes: ResourceScope[];
}

export interface AccessPackage {
  id: string;
  catalogId: string;
  displayName: string;
  description: string | null;
  isHidden: boolean;
  createdDateTime: string;
  modifiedDateTime: string;
}

export interface RoleScope {
  /** `<roleId>_<scopeId>` as Graph returns it. */
  id: string;
  accessPackageId: string;
  resourceId: string;
  roleId: string;
  scopeId: string;
  createdDateTime: string;
}

export interface Expiration {
  endDateTime: string | null;
  duration: string | null;
  type: 'notSpecified' | 'noExpiration' | 'afterDateTime' | 'afterDuration';
}

export interface Schedule {
  startDateTime: string | null;
  expiration: Expiration;
  recurrence: null;
}

export interface AssignmentPolicy {
  id: string;
  accessPackageId: string;
  displayName: string;
  description: string | null;
  allowedTargetScope: string;
  expiration: Expiration;
  createdDateTime: string;
  modifiedDateTime: string;
  /** Everything else the caller sent (requestorSettings, requestApprovalSettings…), echoed back. */
  extra: Record<string, unknown>;
}

export type RequestType = 'adminAdd' | 'adminRemove' | 'adminUpdate' | 'systemRemove';
export type RequestState = 'submitted' | 'pendingApproval' | 'delivering' | 'delivered' | 'deliveryFailed' | 'canceled';

export interface AssignmentRequest {
  id: string;
  requestType: RequestType;
  state: RequestState;
  status: string;
  createdDateTime: string;
  completedDateTime: string | null;
  schedule: Schedule;
  justification: string | null;
  accessPackageId: string;
  assignmentId: string;
  targetObjectId: string;
}

export type AssignmentState = 'delivering' | 'delivered' | 'expired' | 'deliveryFailed';

export interface Assignment {
  id: string;
  accessPackageId: string;
  assignmentPolicyId: string;
  /** accessPackageSubject.objectId: the user. */
  targetObjectId: string;
  state: AssignmentState;
  status: string;
  schedule: Schedule;
  expiredDateTime: string | null;
}
