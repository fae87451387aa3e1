/** Marks the lines the test entry prints in the extension host, so the harness can pick them out. */
export const REPORT_TAG = '[keysmith-test]';
