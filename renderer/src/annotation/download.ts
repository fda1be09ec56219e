/**
 * Saves bytes the way a browser downloads a file: in Electron this opens a save dialog, in a
 * browser it goes to the downloads folder. The renderer never touches the file system itself.
 */
export function downloadFile(data: ArrayBuffer | string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // revoke after the click has been handled; revoking at once can cancel the download
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
