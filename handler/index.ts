/** Lambda entry point (placeholder until the scan lands). */
export async function handler(): Promise<{ status: string }> {
  return { status: "not-implemented" };
}
