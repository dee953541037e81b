// Placeholder so the target builds; replaced by the ServiceNowPlugin implementation.
