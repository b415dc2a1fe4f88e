import { benchHttp } from './http.js';
import { benchIngest } from './ingest.js';
import { benchQuality } from './quality.js';
import { benchQuery } from './query.js';
import { benchSerializer } from './serializer.js';
import { benchUnseen } from './unseen.js';

// Every figure is a median, with its baseline measured in the same run: the machines are shared.
benchSerializer();
await benchIngest();
await benchQuery();
await benchHttp();
benchQuality();
benchUnseen();
