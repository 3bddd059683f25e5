import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  type CustomerConfig,
  customerConfigSchema,
  customerNamePattern,
} from "#infra/config/customer-config";

const customersDirectory = fileURLToPath(new URL("./customers/", import.meta.url));

/** A configuration problem the operator can fix; the CDK app prints it without a stack trace. */
export class CustomerConfigError extends Error {
  override readonly name = "CustomerConfigError";
}

/** The customers that have a configuration file, by name. */
export const knownCustomers = (directory = customersDirectory): string[] =>
  readdirSync(directory)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();

const knownList = (directory: string) => {
  const names = knownCustomers(directory);
  return names.length > 0 ? names.join(", ") : "(none)";
};

/** Validates a configuration object; `source` names where it came from in the error. */
export const parseCustomerConfig = (input: unknown, source: string): CustomerConfig => {
  const result = customerConfigSchema.safeParse(input);
  if (!result.success) {
    throw new CustomerConfigError(
      `Invalid customer configuration in ${source}:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
};

/**
 * Loads `customers/<name>.json`, the file selected with `-c customer=<name>`. The name is checked
 * before it becomes a path, so `-c customer=../x` cannot read files outside the folder.
 */
export const loadCustomerConfig = (
  name: unknown,
  directory = customersDirectory,
): CustomerConfig => {
  if (name === undefined || name === null || name === "") {
    throw new CustomerConfigError(
      `No customer selected. Pass -c customer=<name>. Known customers: ${knownList(directory)}.`,
    );
  }
  if (typeof name !== "string" || !customerNamePattern.test(name)) {
    throw new CustomerConfigError(
      `Invalid customer name ${JSON.stringify(name)}: use lower-case letters, digits and dashes. ` +
        `Known customers: ${knownList(directory)}.`,
    );
  }
  const file = join(directory, `${name}.json`);
  if (!existsSync(file)) {
    throw new CustomerConfigError(
      `Unknown customer "${name}": there is no ${file}. Known customers: ${knownList(directory)}.`,
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CustomerConfigError(`${file} is not valid JSON: ${reason}`);
  }
  const config = parseCustomerConfig(input, file);
  if (config.customer !== name) {
    throw new CustomerConfigError(
      `${file} declares customer "${config.customer}"; it must match its file name "${name}".`,
    );
  }
  return config;
};
