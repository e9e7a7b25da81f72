/** What the Teach view asks the app to do (src/app/teach-session.ts); features never import the app layer. */
export interface TeachActions {
  /** Files from a folder input or a drop (with webkitRelativePath / path): sorted into classes by folder name. */
  onImportFiles: (files: File[]) => void;
  /** The session's reviewed frames (confirmed or corrected class) join the training frames. */
  onAddReviewed: () => void;
  onStart: () => void;
  onCancel: () => void;
  /** The finished candidate becomes the active model. */
  onAccept: () => void;
  /** The finished candidate is deleted; the active model stays. */
  onDiscard: () => void;
  onUseVersion: (id: string) => void;
  onUseEmbedded: () => void;
  /** Downloads the version as a .zip of the trainer's export files. */
  onExportVersion: (id: string) => void;
  onDeleteVersion: (id: string) => void;
}
