/**
 * A deal's products and line items. Lines are written all at once with `setDealLineItems` and
 * the version the page shows; the deal's amount is then their sum. A product missing from the
 * catalogue can be created here and is picked for the new line.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { FormErrors, FormField, SelectField, textOf } from '../form-field.tsx';
import { Empty } from '../states.tsx';
import type { DealLineItemInput, DealPageFragment } from '../../gql/graphql';
import { errorMessage } from '../../lib/api-error.ts';
import { dealConflictOf, describeDealConflict } from '../../lib/deal-conflict.ts';
import { fieldErrorsOf, NO_FIELD_ERRORS, type FieldErrors } from '../../lib/field-errors.ts';
import { basisPointsOf, lineInputOf, newLineInput, percentLabel } from '../../lib/line-items.ts';
import { formatMoney } from '../../lib/money.ts';
import { CreateProductMutation, ProductsQuery, SetDealLineItemsMutation } from '../../operations.ts';

const PRODUCT_FIELDS = ['name', 'sku', 'unitPrice', 'currency', 'taxRateBps'] as const;

export function DealLineItems({ deal, reload }: { deal: DealPageFragment; reload: () => Promise<unknown> }) {
  const [setLines, { loading: saving }] = useMutation(SetDealLineItemsMutation);
  const products = useQuery(ProductsQuery, { variables: { first: 100 } });
  const [message, setMessage] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [creatingProduct, setCreatingProduct] = useState(false);
  const [productId, setProductId] = useState('');

  const catalogue = (products.data?.products.nodes ?? []).filter((p) => p.active && p.currency === deal.currency);

  async function write(items: DealLineItemInput[]): Promise<boolean> {
    setMessage(null);
    try {
      await setLines({ variables: { dealId: deal.id, expectedVersion: deal.version, items } });
      return true;
    } catch (error) {
      const conflict = dealConflictOf(error);
      if (conflict) await reload().catch(() => undefined);
      setMessage(conflict ? describeDealConflict(conflict) : errorMessage(error));
      return false;
    }
  }

  async function addLine(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    let line: DealLineItemInput;
    try {
      line = newLineInput({
        productId: textOf(form, 'productId'),
        description: textOf(form, 'description'),
        quantity: textOf(form, 'quantity'),
        unitPrice: textOf(form, 'unitPrice'),
        discountPercent: textOf(form, 'discountPercent'),
        taxPercent: textOf(form, 'taxPercent'),
      });
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
      return;
    }
    if (await write([...deal.lineItems.map(lineInputOf), line])) {
      formElement.reset();
      setProductId('');
      setAdding(false);
    }
  }

  const removeLine = (id: string) => void write(deal.lineItems.filter((l) => l.id !== id).map(lineInputOf));

  return (
    <section className="card" aria-labelledby="deal-lines">
      <h2 id="deal-lines">Products and line items</h2>
      {deal.lineItems.length === 0 ? (
        <Empty>No line items yet. Add products to price this deal line by line.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="records lines" aria-label="Line items">
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Qty</th>
                <th scope="col">Unit price</th>
                <th scope="col">Discount</th>
                <th scope="col">Tax</th>
                <th scope="col">Total</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deal.lineItems.map((line) => (
                <tr key={line.id}>
                  <td>
                    {line.description}
                    {line.product ? <span className="muted"> · {line.product.sku}</span> : null}
                  </td>
                  <td>{Number(line.quantity).toLocaleString('en-US', { maximumFractionDigits: 3 })}</td>
                  <td>{formatMoney(line.unitPrice, deal.currency)}</td>
                  <td>{line.discount === '0.00' || Number(line.discount) === 0 ? '—' : formatMoney(line.discount, deal.currency)}</td>
                  <td>{line.taxRateBps === null ? '—' : `${percentLabel(line.taxRateBps)} · ${formatMoney(line.tax, deal.currency)}`}</td>
                  <td>{formatMoney(line.total, deal.currency)}</td>
                  <td>
                    <button type="button" className="link-button" disabled={saving} onClick={() => removeLine(line.id)} aria-label={`Remove ${line.description}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>
                  Deal amount
                </th>
                <td colSpan={2}>{formatMoney(deal.amount, deal.currency)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      {message ? (
        <p className="error" role="alert">
          {message}
        </p>
      ) : null}
      {adding ? (
        <form className="create-form" onSubmit={addLine} aria-label="New line item" noValidate>
          <div className="form-grid">
            <SelectField
              label="Product"
              name="productId"
              value={productId}
              onChange={(e) => setProductId(e.target.value)}
              options={[{ value: '', label: 'No product (describe it)' }, ...catalogue.map((p) => ({ value: p.id, label: `${p.name} · ${formatMoney(p.unitPrice, p.currency)}` }))]}
            />
            <FormField label="Description" name="description" autoComplete="off" hint={productId ? 'Leave empty to use the product name.' : undefined} />
            <FormField label="Quantity" name="quantity" inputMode="decimal" defaultValue="1" autoComplete="off" />
            <FormField label="Unit price" name="unitPrice" inputMode="decimal" autoComplete="off" hint={productId ? 'Leave empty for the list price.' : undefined} />
            <FormField label="Discount %" name="discountPercent" inputMode="decimal" autoComplete="off" />
            <FormField label="Tax %" name="taxPercent" inputMode="decimal" autoComplete="off" hint={productId ? "Leave empty for the product's rate." : undefined} />
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={saving}>
              {saving ? 'Saving…' : 'Add line'}
            </button>
            <button type="button" onClick={() => (setAdding(false), setMessage(null))}>
              Cancel
            </button>
            <button type="button" className="link-button" aria-expanded={creatingProduct} onClick={() => setCreatingProduct((v) => !v)}>
              {creatingProduct ? 'Close new product' : 'New product'}
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add line item
          </button>
          <button type="button" aria-expanded={creatingProduct} onClick={() => setCreatingProduct((v) => !v)}>
            {creatingProduct ? 'Close new product' : 'New product'}
          </button>
        </div>
      )}
      {creatingProduct ? (
        <CreateProductForm
          currency={deal.currency}
          onCreated={(id) => {
            setCreatingProduct(false);
            setAdding(true);
            setProductId(id);
            void products.refetch().catch(() => undefined);
          }}
        />
      ) : null}
    </section>
  );
}

function CreateProductForm({ currency, onCreated }: { currency: string; onCreated: (id: string) => void }) {
  const [create, { loading }] = useMutation(CreateProductMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_FIELD_ERRORS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    let taxRateBps: number | null;
    try {
      taxRateBps = basisPointsOf(textOf(form, 'taxPercent') ?? '', 'The tax rate');
    } catch (error) {
      setErrors({ byField: { taxRateBps: error instanceof Error ? error.message : String(error) }, general: [] });
      return;
    }
    try {
      const { data } = await create({
        variables: {
          input: {
            name: textOf(form, 'name') ?? '',
            sku: textOf(form, 'sku') ?? '',
            unitPrice: textOf(form, 'unitPrice') ?? '',
            currency: (textOf(form, 'currency') ?? '').toUpperCase(),
            taxRateBps,
          },
        },
      });
      if (data) onCreated(data.createProduct.id);
    } catch (error) {
      setErrors(fieldErrorsOf(error, PRODUCT_FIELDS));
    }
  }

  return (
    <form className="create-form" onSubmit={onSubmit} aria-label="New product" noValidate>
      <h3>New product</h3>
      <div className="form-grid">
        <FormField label="Product name" name="name" autoComplete="off" error={errors.byField.name} autoFocus />
        <FormField label="SKU" name="sku" autoComplete="off" error={errors.byField.sku} />
        <FormField label="List price" name="unitPrice" inputMode="decimal" autoComplete="off" error={errors.byField.unitPrice} />
        <FormField label="Product currency" name="currency" defaultValue={currency} maxLength={3} autoComplete="off" error={errors.byField.currency} />
        <FormField label="Product tax %" name="taxPercent" inputMode="decimal" autoComplete="off" error={errors.byField.taxRateBps} />
      </div>
      <FormErrors messages={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create product'}
        </button>
      </div>
    </form>
  );
}
