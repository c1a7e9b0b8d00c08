/**
 * File requests (`/imports`, `/exports`) as the signed-in user: the session's token, the API's
 * origin, and sign-out when the API no longer accepts the token (as the GraphQL client does).
 */
import { graphqlHttpUrl } from '../environment.ts';
import { authorizationOf, currentSession, endSession } from '../session.ts';
import { downloadFile, FileRequestError, saveBlob, uploadCsv, uploadUrl, type UploadedImport } from './file-transfer.ts';

function deps() {
  const session = currentSession();
  if (!session) {
    endSession();
    throw new FileRequestError('Your sign-in has expired. Sign in again.', 401, 'UNAUTHENTICATED');
  }
  return { fetch: window.fetch.bind(window), authorization: authorizationOf(session) };
}

async function signOutOn401<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof FileRequestError && error.status === 401) endSession();
    throw error;
  }
}

/** Uploads `file` to import as `entity` records. */
export function uploadImportFile(entity: string, file: File): Promise<UploadedImport> {
  return signOutOn401(() => uploadCsv(deps(), uploadUrl(graphqlHttpUrl, entity, file.name), file));
}

/** Downloads an API file (absolute URL) and saves it; resolves to the saved file's name. */
export function downloadAndSave(url: string, fallbackName: string): Promise<string> {
  return signOutOn401(async () => {
    const { blob, fileName } = await downloadFile(deps(), url, fallbackName);
    saveBlob(blob, fileName);
    return fileName;
  });
}
