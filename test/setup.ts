// Registers aws-sdk-client-mock's vitest matchers (toHaveReceivedCommandWith, ...).
import 'aws-sdk-client-mock-vitest/extend';
