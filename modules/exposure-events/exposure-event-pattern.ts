import { EXPOSURE_EVENT } from "../../handler/runtime/aws-contract";

/**
 * The EventBridge event pattern of AWS Health's exposure events (source `aws.health`, service `RISK`,
 * the three credential-exposure codes), from the handler's own contract: the rules match exactly what
 * the handler recognises.
 */
export function exposureEventPattern(): Record<string, unknown> {
  return {
    source: [EXPOSURE_EVENT.source],
    "detail-type": [EXPOSURE_EVENT.detailType],
    detail: { service: [EXPOSURE_EVENT.service], eventTypeCode: [...EXPOSURE_EVENT.eventTypeCodes] },
  };
}
