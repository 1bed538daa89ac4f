// The SCIM operations on one tenant's Users and Groups, as routes and Bulk call them (never the store directly):
// one service per resource type over the same store and provisioning hook.
import type { Store } from '../store/db.js';
import type { ProvisioningHook } from '../provisioning.js';
import { UserService } from './user-service.js';
import { GroupService } from './group-service.js';
import type { ServiceOptions } from './resource-service.js';

export class ScimService {
  readonly users: UserService;
  readonly groups: GroupService;

  constructor(store: Store, hook: ProvisioningHook, options: ServiceOptions = {}) {
    this.users = new UserService(store, hook, options);
    this.groups = new GroupService(store, hook, options);
  }
}
