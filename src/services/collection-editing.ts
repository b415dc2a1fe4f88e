import type { Author, Tag } from '../domain/collections.js';
import type { AuthorPatch, TagPatch } from '../domain/edits.js';
import type { Repositories } from '../domain/ports.js';
import { NotFound, Unprocessable } from '../lib/errors.js';
import { nameKey } from '../lib/names.js';
import type { WritePrecondition } from './article-editing.js';

const missingAuthor = (idOrSlug: string) => new NotFound(`No author has the id or slug "${idOrSlug}".`);
const missingTag = (idOrSlug: string) => new NotFound(`No tag has the id or slug "${idOrSlug}".`);

/**
 * Editing authors and tags, and folding one tag into another. Each write applies only while the
 * resource is still what was read; if it changed in between, the edit is made again on the new one.
 */
export function createCollectionEditingService(repositories: Repositories) {
  const { authors, tags, edits } = repositories;
  return {
    async editAuthor(
      idOrSlug: string,
      patch: AuthorPatch,
      precondition?: WritePrecondition<Author>,
    ): Promise<Author> {
      if (patch.name !== undefined && nameKey(patch.name) === '') {
        throw new Unprocessable('An author name needs a letter or a digit.', [
          { path: 'body.name', message: 'must contain a letter or a digit' },
        ]);
      }
      for (;;) {
        const current = await authors.findAuthor(idOrSlug);
        if (!current) throw missingAuthor(idOrSlug);
        precondition?.(current);
        const expected = { name: current.name, detail: current.bio };
        const next = {
          name: patch.name ?? current.name,
          detail: patch.bio === undefined ? current.bio : patch.bio,
        };
        if (await edits.updateAuthor(current.id, expected, next, new Date().toISOString())) {
          return (await authors.findAuthor(String(current.id))) ?? Promise.reject(missingAuthor(idOrSlug));
        }
      }
    },

    async editTag(idOrSlug: string, patch: TagPatch, precondition?: WritePrecondition<Tag>): Promise<Tag> {
      for (;;) {
        const current = await tags.findTag(idOrSlug);
        if (!current) throw missingTag(idOrSlug);
        precondition?.(current);
        const expected = { name: current.name, detail: current.description };
        const next = {
          name: patch.name ?? current.name,
          detail: patch.description === undefined ? current.description : patch.description,
        };
        if (await edits.updateTag(current.id, expected, next, new Date().toISOString())) {
          return (await tags.findTag(String(current.id))) ?? Promise.reject(missingTag(idOrSlug));
        }
      }
    },

    /**
     * Folds the tag `idOrSlug` into the tag `into` and returns the one that stays; asked again once
     * made, it answers the same.
     */
    async mergeTag(idOrSlug: string, into: string, precondition?: WritePrecondition<Tag>): Promise<Tag> {
      for (;;) {
        const from = await tags.findTag(idOrSlug);
        if (!from) throw missingTag(idOrSlug);
        precondition?.(from);
        const target = await tags.findTag(into);
        if (!target) {
          throw new Unprocessable(`No tag has the id or slug "${into}" to merge into.`, [
            { path: 'body.into', message: 'no such tag' },
          ]);
        }
        if (target.id === from.id) {
          // The path names the tag by a slug that now leads to `into`: the merge was already made.
          if (from.slug !== idOrSlug && String(from.id) !== idOrSlug) return target;
          throw new Unprocessable('A tag cannot be merged into itself.', [
            { path: 'body.into', message: 'names the same tag as the path' },
          ]);
        }
        const expected = { name: from.name, detail: from.description };
        if (await edits.mergeTag(from.id, expected, target.id, new Date().toISOString())) {
          return (await tags.findTag(String(target.id))) ?? Promise.reject(missingTag(into));
        }
      }
    },
  };
}
