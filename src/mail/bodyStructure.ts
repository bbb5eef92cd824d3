/** A message's MIME structure as imapflow's BODYSTRUCTURE fetch returns it. */
export interface BodyStructure {
  part?: string;
  type: string;
  parameters?: Record<string, string>;
  encoding?: string;
  /** Content-ID, with its angle brackets. */
  id?: string;
  size?: number;
  disposition?: string;
  dispositionParameters?: Record<string, string>;
  childNodes?: BodyStructure[];
}
