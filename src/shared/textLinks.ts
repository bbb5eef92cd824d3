/** Web and mail links in plain text (the reader makes them clickable; the extension, links of text parts shown in HTML). */
export const textLinkPattern = /\b(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]|mailto:[^\s<>"']+[^\s<>"'.,;:!?)\]])/gi;
