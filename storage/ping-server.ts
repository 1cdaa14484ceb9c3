import { MongoClient } from 'mongodb';

const pingOptions = {
  serverSelectionTimeoutMS: 500,
  connectTimeoutMS: 500,
  directConnection: true,
};

/** Whether a MongoDB-protocol server answers `ping` at uri within about half a second. */
export async function pingServer(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, pingOptions);
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}
