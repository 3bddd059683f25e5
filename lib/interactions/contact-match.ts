import type { Principal } from "#lib/auth/principal";
import type { Contact, CreateContact } from "#lib/contacts/schema";
import {
  createContact,
  findContactByEmail,
  findContactsByPhone,
  getContact,
} from "#lib/contacts/service";
import { DomainError } from "#lib/errors/domain-error";
import type { Counterparts } from "#lib/interactions/counterparts";

export interface MatchedContacts {
  /** Every contact the interaction is with, in the order of the counterparts, without repeats. */
  readonly contactIds: readonly string[];
  /** The ones among them created for this interaction. */
  readonly createdContactIds: readonly string[];
  /**
   * Why each counterpart was left out: `creation_disabled`, `link_limit` (the activity has all
   * the links it can take), or the code of the error that refused the new contact. Reasons only: addresses and numbers are personal data and stay
   * out of logs.
   */
  readonly unmatched: readonly string[];
}

export interface MatchOptions {
  readonly createUnknownContacts: boolean;
  /** The event's source (`integration.mailbox`): tags the contacts created for it. */
  readonly source: string;
  /** Owns the contacts created for it. */
  readonly ownerId: string | undefined;
  /** Creates them (their `createdBy`). */
  readonly actor: Principal;
  /** At most this many contacts (an activity's links are bounded). */
  readonly limit: number;
}

type Creation =
  | { readonly created: true; readonly contact: Contact }
  | { readonly created: false; readonly contact: Contact }
  | { readonly created: false; readonly refused: string };

const newContactInput = (
  identity: Pick<CreateContact, "emails" | "phones">,
  options: MatchOptions,
): CreateContact => ({
  ...identity,
  lifecycleStage: "lead",
  tags: [options.source],
  customFields: {},
  ...(options.ownerId === undefined ? {} : { ownerId: options.ownerId }),
});

/**
 * Creates a contact for an address or a number nobody has. Another delivery may be creating the
 * same one at this very moment. For an address, the email guard lets only one of them in, and
 * the other takes the contact that won (the 409's `existingId`), so concurrent first deliveries
 * make one contact. Phone numbers have no guard (several contacts may share one), so two first
 * deliveries for the same unknown number at the same moment can make two contacts; see
 * docs/events.md. A contact the CRM refuses for good (a required custom field it cannot have) is
 * reported, not thrown, so that the interaction is still recorded on its other contacts.
 */
const createFor = async (
  counterpart: { readonly email: string } | { readonly phone: string },
  options: MatchOptions,
): Promise<Creation> => {
  const identity: Pick<CreateContact, "emails" | "phones"> =
    "email" in counterpart
      ? { emails: [counterpart.email], phones: [] }
      : { emails: [], phones: [{ number: counterpart.phone, label: "other" }] };
  try {
    const contact = await createContact(newContactInput(identity, options), options.actor);
    return { created: true, contact };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if ("email" in counterpart && error.code === "contact.email_taken") {
      const existingId = error.extensions.existingId;
      // Read consistently by id when the guard named its holder. A holder deleted in between
      // throws (not found): the delivery is retried and finds no contact, rather than guessing.
      const winner =
        typeof existingId === "string"
          ? await getContact(existingId)
          : await findContactByEmail(counterpart.email);
      if (!winner) throw error;
      return { created: false, contact: winner };
    }
    if (error.kind === "invalid" || error.kind === "unprocessable") {
      return { created: false, refused: error.code };
    }
    throw error;
  }
};

/**
 * The contacts an interaction is with: found by email address (one GetItem on the email guard
 * each) or by phone number (one Query of the phone index), and created when unknown and the
 * configuration allows it.
 */
export const matchContacts = async (
  counterparts: Counterparts,
  options: MatchOptions,
): Promise<MatchedContacts> => {
  const contactIds: string[] = [];
  const createdContactIds: string[] = [];
  const unmatched: string[] = [];
  const add = (contact: Contact, created: boolean) => {
    if (contactIds.includes(contact.id)) return;
    if (contactIds.length >= options.limit) {
      unmatched.push("link_limit");
      return;
    }
    contactIds.push(contact.id);
    if (created) createdContactIds.push(contact.id);
  };

  if (counterparts.kind === "phone") {
    const found = await findContactsByPhone(counterparts.number, options.limit);
    for (const contact of found) add(contact, false);
    if (found.length === 0) {
      if (!options.createUnknownContacts) {
        unmatched.push("creation_disabled");
      } else {
        const creation = await createFor({ phone: counterparts.number }, options);
        if ("refused" in creation) {
          unmatched.push(creation.refused);
        } else add(creation.contact, creation.created);
      }
    }
    return { contactIds, createdContactIds, unmatched };
  }

  // Lookups in parallel (at most 100 addresses); creations one by one, in order, and only
  // while the activity can still take links.
  const addresses = counterparts.addresses;
  const found = await Promise.all(addresses.map((address) => findContactByEmail(address)));
  for (const [index, address] of addresses.entries()) {
    const existing = found[index];
    if (existing) {
      add(existing, false);
      continue;
    }
    if (!options.createUnknownContacts) {
      unmatched.push("creation_disabled");
      continue;
    }
    if (contactIds.length >= options.limit) {
      unmatched.push("link_limit");
      continue;
    }
    const creation = await createFor({ email: address }, options);
    if ("refused" in creation) unmatched.push(creation.refused);
    else add(creation.contact, creation.created);
  }
  return { contactIds, createdContactIds, unmatched };
};
