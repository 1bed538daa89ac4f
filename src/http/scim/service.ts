// The SCIM operations on one tenant's Users and Groups, as routes and Bulk call them (never the store directly):
// one service per resource type over the same store and provisioning hook.
import type { Store } from '../../store/db.js';
import type { ProvisioningHook } from '../../provisioning.js';
import { UserService } from './user-service.js';
import { GroupService } from './group-service.js';

export class ScimService {
  readonly users: UserService;
  readonly groups: GroupService;

  constructor(store: Store, hook: ProvisioningHook) {
    this.users = new UserService(store, hook);
    this.groups = new GroupService(store, hook);
  }
}
