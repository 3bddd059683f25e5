import { contactRoutes } from "#lib/contacts/routes";
import * as contacts from "#lib/contacts/service";
import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";

export const handler = httpFunction(
  contactRoutes,
  {
    createContact: async ({ body, principal }) => {
      const contact = await contacts.createContact(body, principal);
      return created(contact, `/contacts/${contact.id}`);
    },
    listContacts: async ({ query }) => page(await contacts.listContacts(query)),
    getContact: async ({ params }) => ok(await contacts.getContact(params.contactId)),
    updateContact: async ({ params, body, expectedVersion, principal }) =>
      ok(await contacts.updateContact(params.contactId, body, expectedVersion, principal)),
    deleteContact: async ({ params, expectedVersion, principal }) => {
      await contacts.deleteContact(params.contactId, expectedVersion, principal);
      return noContent();
    },
    associateCompany: async ({ params, body, expectedVersion, principal }) =>
      ok(
        await contacts.associateCompany(
          params.contactId,
          params.companyId,
          body.role,
          expectedVersion,
          principal,
        ),
      ),
    dissociateCompany: async ({ params, expectedVersion, principal }) =>
      ok(
        await contacts.dissociateCompany(
          params.contactId,
          params.companyId,
          expectedVersion,
          principal,
        ),
      ),
  },
  { idempotency: idempotency() },
);
